/**
 * {@link dev.eddy.testing.EddyTestDriver}: a pipeline's real batch path and DynamoDB state, run in a unit test
 * without a process or a port. A test-scope dependency ({@code dev.eddy:eddy-test-driver}); nothing here belongs in a
 * function's jar.
 */
package dev.eddy.testing;
