// Errors of the control surface: a message, the HTTP status it maps to, and the bad field when there is one.
export class ProxyApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ProxyApiError';
  }

  toJSON(): { error: string; status: number; field?: string } {
    return {
      error: this.message,
      status: this.status,
      ...(this.field !== undefined && { field: this.field }),
    };
  }
}
