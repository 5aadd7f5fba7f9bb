import { Role, roleOfTeam } from "@gamejournal/shared";

/**
 * How the match fold names teams and players. Team keys are a closed set so
 * that they are safe as object keys in stored documents.
 */

export type TeamKey = "blue" | "orange" | "spectator" | "social" | "moderator" | "";

const BY_ROLE: Record<number, TeamKey> = {
  [Role.BLUE_TEAM]: "blue",
  [Role.ORANGE_TEAM]: "orange",
  [Role.SPECTATOR]: "spectator",
  [Role.SOCIAL_PARTICIPANT]: "social",
  [Role.MODERATOR]: "moderator",
};

/**
 * The team key of a team name ("BLUE TEAM", "blue"), a role number (1) or a
 * role name ("ROLE_ORANGE_TEAM"); "" when it names none of them.
 */
export function teamKey(team: unknown): TeamKey {
  if (typeof team === "number") return BY_ROLE[team] ?? "";
  if (typeof team !== "string") return "";
  const name = team.trim().toUpperCase().replace(/^ROLE_/, "");
  if (/^\d+$/.test(name)) return BY_ROLE[Number(name)] ?? "";
  const role = roleOfTeam(name);
  if (role !== Role.UNSPECIFIED) return BY_ROLE[role] ?? "";
  if (name.startsWith("SOCIAL")) return "social";
  if (name.startsWith("MODERATOR")) return "moderator";
  return "";
}

/** Whether someone on this team is playing (and so counts in players, stats and pings). */
export function isPlayingTeam(team: TeamKey): boolean {
  return team === "blue" || team === "orange" || team === "";
}

export interface PlayerIdentity {
  account_number: string;
  user_id: string;
  display_name: string;
}

/**
 * The id a player is listed under: the game account number when known (it
 * is what frames carry and it survives a rename), else the platform user id,
 * else the display name; "" when none is known.
 */
export function playerIdOf(who: PlayerIdentity): string {
  return who.account_number || who.user_id || who.display_name;
}
