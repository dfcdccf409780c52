import { CommandError } from '../command';

export function userNotFound(username: string): never {
  throw new CommandError(`No user has the username "${username}".`);
}
