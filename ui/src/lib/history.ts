// Undo and redo over whole editor states (structured front matter, header fields and body
// together), so one Ctrl+Z steps back whatever was edited last. Typing is grouped: a state is
// recorded when the user pauses, or at once for row operations.

export class History<T> {
  private states: string[] = [];
  private index = -1;

  /** Starts over from `state` (a document was loaded or reloaded). */
  reset(state: T): void {
    this.states = [JSON.stringify(state)];
    this.index = 0;
  }

  /** Records `state` as the newest step, dropping what could have been redone. */
  record(state: T): void {
    const text = JSON.stringify(state);
    if (this.states[this.index] === text) return;
    this.states = this.states.slice(0, this.index + 1);
    this.states.push(text);
    this.index = this.states.length - 1;
  }

  /** The state before `current` (recorded first if it is new), or null at the start. */
  undo(current: T): T | null {
    this.record(current);
    if (this.index <= 0) return null;
    this.index -= 1;
    return JSON.parse(this.states[this.index]) as T;
  }

  /** The state after the current one, or null when there is none or `current` has new edits. */
  redo(current: T): T | null {
    if (this.states[this.index] !== JSON.stringify(current)) return null;
    if (this.index >= this.states.length - 1) return null;
    this.index += 1;
    return JSON.parse(this.states[this.index]) as T;
  }

  get canUndo(): boolean {
    return this.index > 0;
  }

  get canRedo(): boolean {
    return this.index < this.states.length - 1;
  }
}
