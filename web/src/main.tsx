import { render } from 'preact';
import { App } from './app';
import { authMode, completeSignIn } from './auth';
import './styles.css';

const root = document.getElementById('app')!;

async function start() {
  let failure: string | undefined;
  // Back from Cognito's hosted sign-in with ?code=: finish signing in before the first page.
  await completeSignIn().catch((error: Error) => (failure = error.message));
  render(<App mode={await authMode()} notice={failure} />, root);
}

void start();
