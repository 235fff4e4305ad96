/**
 * What operators and every role rely on around the roles themselves: the context the roles share, readiness and
 * liveness, the management port's health and metrics endpoints, and how HTTP servers are made and hardened (timeouts,
 * request checks, methods, JSON answers and errors) on both ports.
 */
package io.codedelivery.ops;
