import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { SignIn } from '../src/App';

describe('sign-in', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('shows the server\'s refusal as it words it', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ status: 401, title: 'Unauthorized',
      detail: 'email or password is wrong' }), { status: 401, headers: { 'Content-Type': 'application/problem+json' } })));
    render(<SignIn />);
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'pm@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'nope' } });
    fireEvent.submit(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'email or password is wrong');
  });
});
