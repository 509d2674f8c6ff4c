/**
 * What every {@code ./eddy} command shares, whichever package it lives in ({@code cli} for {@code run}, {@code put},
 * {@code tail}, {@code status}, {@code sample}; {@code bench} for the measurements): the usage error that exits with
 * code 2 ({@link dev.eddy.emulator.console.UsageError}), the pipelines a command can name
 * ({@link dev.eddy.emulator.console.Pipelines}), and how figures are written for people
 * ({@link dev.eddy.emulator.console.Formats}). It depends on no command package.
 */
package dev.eddy.emulator.console;
