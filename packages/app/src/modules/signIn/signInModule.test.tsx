import { render, screen } from '@testing-library/react';
import { createApp } from '@backstage/frontend-defaults';
import { signInModule } from './signInModule';

function renderApp(providers: Record<string, unknown>) {
  process.env = {
    NODE_ENV: 'test',
    APP_CONFIG: [
      {
        data: {
          app: { title: 'Test' },
          backend: { baseUrl: 'http://localhost:7007' },
          auth: { providers },
        },
        context: 'test',
      },
    ] as any,
  };
  return render(createApp({ features: [signInModule] }).createRoot());
}

describe('signInModule', () => {
  it('shows the guest sign-in when auth.providers.guest is configured', async () => {
    renderApp({ guest: {} });
    expect(await screen.findByText('Guest')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /enter/i })).toBeInTheDocument();
    expect(screen.queryByText('Dex')).not.toBeInTheDocument();
  });

  it('shows the Dex sign-in, and no guest, when only auth.providers.oidc is', async () => {
    renderApp({ oidc: { production: {} } });
    expect(await screen.findByText('Dex')).toBeInTheDocument();
    expect(
      screen.getByText('Sign in with your company account'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Guest')).not.toBeInTheDocument();
  });
});
