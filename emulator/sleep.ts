/** A timer that does not keep the process alive on its own (the server's sockets do). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
