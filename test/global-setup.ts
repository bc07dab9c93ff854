// Shared one-time setup for the test suite (e.g. building tiny models once). Helpers extend this.
export default async function setup(): Promise<void> {}
