// Small helpers for API route handlers.
import type { FastifyRequest } from 'fastify';
import { AccordError } from '../../errors.ts';
import type { Actor } from '../../domain/policy/actor.ts';

/** The authenticated actor (the auth hook has already refused requests without one). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AccordError('UNAUTHENTICATED');
  return req.actor;
}

/** Error responses every authenticated route can give, for the OpenAPI description. */
export function errors<T>(schema: T): Record<number, T> {
  return { 400: schema, 401: schema, 403: schema, 404: schema, 409: schema, 429: schema };
}
