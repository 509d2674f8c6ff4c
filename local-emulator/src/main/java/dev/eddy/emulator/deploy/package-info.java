/**
 * A deploy rehearsed on one local endpoint ({@code eddy deploy --local}, or {@code --endpoint} for LocalStack): the
 * CDK app's real {@code cdk} CLI run against it ({@link dev.eddy.emulator.deploy.CdkCli}), what the endpoint made of
 * each stack ({@link dev.eddy.emulator.deploy.DeployReport}), and the names a run reads back from a deployed
 * pipeline's stack ({@link dev.eddy.emulator.deploy.DeployedPipeline}). Uses no command package.
 */
package dev.eddy.emulator.deploy;
