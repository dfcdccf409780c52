import { Authenticator } from './auth/authenticate';
import { PasswordHasher } from './auth/passwords';
import type { AuthScheme } from './auth/schemes/auth-scheme';
import { TokenScheme } from './auth/schemes/token.scheme';
import { type Clock, systemClock } from './clock';
import type { AuthSchemeName, Config } from './config';
import type { Services } from './context';

export function createServices(
  config: Config,
  options: { clock?: Clock; onBackgroundError: (error: unknown) => void },
): Services {
  const schemes: Record<AuthSchemeName, () => AuthScheme> = {
    token: () => new TokenScheme(options.onBackgroundError),
  };
  return {
    config,
    clock: options.clock ?? systemClock,
    passwords: new PasswordHasher(config.bcryptCost, config.passwordHashWorkers),
    authenticator: new Authenticator(config.authSchemes.map((name) => schemes[name]())),
  };
}
