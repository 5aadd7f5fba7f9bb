import { describe, expect, test } from "bun:test";
import { readGameSession, readPlayerBones } from "./game-json.ts";

const ID = "7C3A3C9E-5B1D-4F7E-9D8A-2F6B3E1C0A42";

describe("reading the game's JSON", () => {
  test("a /session snapshot comes out in proto field names, everything else kept", () => {
    const read = readGameSession({
      sessionid: ID,
      sessionip: "10.0.0.7",
      game_status: "playing",
      err_code: 0,
      extra_field: { keep: true },
      teams: [{ team: "BLUE TEAM", possession: true, players: [{ name: "alice", userid: 4355631179, playerid: 0, number: 7, possession: true, stunned: false, packetlossratio: 0.1, lhand: { pos: [0, 1, 2] }, TacMod: "x", stats: { goals: 1 } }] }],
    });
    expect(read.kind).toBe("match");
    if (read.kind !== "match") return;
    expect(read.sessionId).toBe(ID.toLowerCase());
    expect(read.session).toMatchObject({ session_id: ID, session_ip: "10.0.0.7", extra_field: { keep: true } });
    expect(read.session.sessionid).toBeUndefined();
    expect(read.session.teams![0]).toMatchObject({ team_name: "BLUE TEAM", has_possession: true });
    expect(read.session.teams![0]!.players![0]).toEqual({
      display_name: "alice",
      account_number: "4355631179",
      slot_number: 0,
      jersey_number: 7,
      has_possession: true,
      is_stunned: false,
      packet_loss_ratio: 0.1,
      left_hand: { pos: [0, 1, 2] },
      tac_mod: "x",
      stats: { goals: 1 },
    });
  });

  test("between matches: an error code, no session id, or something that is not a session", () => {
    expect(readGameSession({ err_code: -6, err_description: "not in a match" })).toEqual({ kind: "no-match", reason: "err_code -6" });
    expect(readGameSession({ game_status: "playing" })).toMatchObject({ kind: "no-match", reason: expect.stringContaining("no session id") });
    expect(readGameSession({ sessionid: ID, teams: "nope" })).toMatchObject({ kind: "no-match", reason: expect.stringContaining("session.teams") });
    expect(readGameSession([1, 2])).toMatchObject({ kind: "no-match" });
    expect(readGameSession(undefined)).toMatchObject({ kind: "no-match" });
  });

  test("/player_bones: playerid becomes xpid; an error answer gives nothing", () => {
    expect(readPlayerBones({ user_bones: [{ playerid: 3, bone_t: [1], bone_o: [2] }], err_code: 0 })).toEqual({ user_bones: [{ xpid: 3, bone_t: [1], bone_o: [2] }], err_code: 0 });
    expect(readPlayerBones({ err_code: -6 })).toBeUndefined();
    expect(readPlayerBones("garbage")).toBeUndefined();
  });
});
