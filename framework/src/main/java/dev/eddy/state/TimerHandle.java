package dev.eddy.state;

/**
 * A backend's handle on timers it handed out as due ({@link StateBackend.Due#timers()}), to remove them once their
 * firings are delivered ({@link StateBackend#clearTimers}). Each backend implements it with a type of its own.
 */
public interface TimerHandle {
}
