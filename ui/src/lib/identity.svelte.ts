// Who is using Seam on this machine: the name and role recorded on sign-offs, item states,
// comments and decisions. Kept in the app's settings folder (never in the project); the name
// defaults to git's user.name.
import { commands } from "../bindings/commands";
import type { IdentityDto } from "../bindings/IdentityDto";

export const identity = $state<{ current: IdentityDto | null; asking: boolean }>({ current: null, asking: false });

export async function loadIdentity(): Promise<IdentityDto> {
  const found = await commands.identity();
  identity.current = found;
  return found;
}

export async function saveIdentity(name: string, role: string | null): Promise<IdentityDto> {
  const saved = await commands.setIdentity(name, role);
  identity.current = saved;
  return saved;
}

/** Opens the identity dialog when no name is known yet; true when a name is known. */
export async function ensureIdentity(): Promise<boolean> {
  const current = identity.current ?? (await loadIdentity());
  if (current.name) return true;
  identity.asking = true;
  return false;
}
