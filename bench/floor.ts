// The floor of the bundle benchmark: a bare Hono handler, bundled like the project's functions.
import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';

const app = new Hono();
app.get('/', (c) => c.json({ ok: true }));

export const handler = handle(app);
