// The command's credential options, with curl's names: -u/--user user:password and -U/--proxy-user for the proxy
// ("DOMAIN\user:password" for a Windows domain), --ntlm/--negotiate and --proxy-ntlm/--proxy-negotiate for the
// logged-on user's credentials where no user is given. Errors never quote the value (it holds a password).
import type { CredentialsOption } from '../policy/credentials';

export interface CliAuth {
  credentials: CredentialsOption | undefined;
  proxyCredentials: CredentialsOption | undefined;
}

export const AUTH_USAGE = `  -u, --user <user:pass>    server credentials (DOMAIN\\user:pass for a Windows domain), for the url's origin only
  -U, --proxy-user <user:pass>  proxy credentials
      --ntlm, --negotiate   without --user: the logged-on user's credentials for the server (NTLM/Negotiate)
      --proxy-ntlm, --proxy-negotiate  without --proxy-user: the logged-on user's credentials for the proxy`;

export const AUTH_OPTIONS = {
  user: { type: 'string', short: 'u' },
  'proxy-user': { type: 'string', short: 'U' },
  ntlm: { type: 'boolean' },
  negotiate: { type: 'boolean' },
  'proxy-ntlm': { type: 'boolean' },
  'proxy-negotiate': { type: 'boolean' },
} as const;

function userPassword(value: string, option: string): CredentialsOption {
  const colon = value.indexOf(':');
  if (colon <= 0) throw new Error(`${option} must be user:password (the value is not shown)`);
  const name = value.slice(0, colon);
  const password = value.slice(colon + 1);
  const slash = name.indexOf('\\');
  if (slash < 0) return { user: name, password };
  if (slash === 0 || slash === name.length - 1) throw new Error(`${option} must be DOMAIN\\user:password (the value is not shown)`);
  return { domain: name.slice(0, slash), user: name.slice(slash + 1), password };
}

export function parseAuth(values: { user?: string; 'proxy-user'?: string; ntlm?: boolean; negotiate?: boolean;
  'proxy-ntlm'?: boolean; 'proxy-negotiate'?: boolean }): CliAuth {
  const loggedOn = values.ntlm === true || values.negotiate === true;
  const proxyLoggedOn = values['proxy-ntlm'] === true || values['proxy-negotiate'] === true;
  return {
    credentials: values.user !== undefined ? userPassword(values.user, '--user') : loggedOn ? 'default' : undefined,
    proxyCredentials: values['proxy-user'] !== undefined ? userPassword(values['proxy-user'], '--proxy-user')
      : proxyLoggedOn ? 'default' : undefined,
  };
}
