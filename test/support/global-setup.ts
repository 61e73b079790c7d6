// Runs once before the suite: nothing global yet; each file builds its own app and database.
export default function setup(): void {}
