/** The example resource's operations: plain functions over the EntityManager, as for tokens and accounts. */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../authentication/principal';
import type { Clock } from '../clock';
import { COLUMN_LIMITS } from '../entities/column-limits';
import { Track } from '../entities/track.entity';
import { User } from '../entities/user.entity';
import { InvalidInput } from '../errors';

export interface TrackFields {
  title: string;
  artist: string;
  durationSeconds: number;
}

const MAX_DURATION_SECONDS = 24 * 60 * 60;

export async function createTrack(
  em: EntityManager,
  clock: Clock,
  request: { owner: Principal; fields: TrackFields },
): Promise<Track> {
  const track = em.create(Track, {
    ...validateTrackFields(request.fields),
    owner: em.getReference(User, request.owner.id),
    createdAt: clock.now(),
  });
  await em.flush();
  await em.populate(track, ['owner']);
  return track;
}

/** Null or absent: keep the current value. */
export type TrackChanges = { [Field in keyof TrackFields]?: TrackFields[Field] | null };

/** Changes the given fields of a loaded track; the others stay as they are. */
export async function updateTrack(em: EntityManager, track: Track, changes: TrackChanges): Promise<Track> {
  em.assign(track, validateTrackFields({ ...track, ...stripUnset(changes) }));
  await em.flush();
  return track;
}

export async function deleteTrack(em: EntityManager, track: Track): Promise<void> {
  await em.remove(track).flush();
}

/** The track with this id, its owner loaded; null when there is none. */
export function findTrack(em: EntityManager, id: number | null): Promise<Track | null> {
  return id === null ? Promise.resolve(null) : em.findOne(Track, id, { populate: ['owner'] });
}

/** Tracks newest first, after the given id, with their owners in the same query (no query per track). */
export function listTracks(
  em: EntityManager,
  page: { afterId: number | null; limit: number },
): Promise<Track[]> {
  return em.find(Track, page.afterId === null ? {} : { id: { $lt: page.afterId } }, {
    populate: ['owner'],
    strategy: 'joined',
    orderBy: { id: 'desc' },
    limit: page.limit,
  });
}

function validateTrackFields(fields: TrackFields): TrackFields {
  return {
    title: validateText('title', fields.title, COLUMN_LIMITS.trackTitle),
    artist: validateText('artist', fields.artist, COLUMN_LIMITS.trackArtist),
    durationSeconds: validateDuration(fields.durationSeconds),
  };
}

function validateText(field: string, raw: string, maxLength: number): string {
  const text = raw.trim();
  const length = [...text].length;
  if (length < 1 || length > maxLength || /\p{Cc}/u.test(text)) {
    throw new InvalidInput(`The ${field} must be 1-${maxLength} printable characters.`);
  }
  return text;
}

function validateDuration(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_DURATION_SECONDS) {
    throw new InvalidInput(
      `durationSeconds must be a whole number of seconds from 1 to ${MAX_DURATION_SECONDS}.`,
    );
  }
  return seconds;
}

function stripUnset(changes: TrackChanges): Partial<TrackFields> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value != null));
}
