/**
 * Kafka client plumbing shared by the roles: client settings (idempotent, acks=all producers; manually committed
 * consumers), topic creation, dead-lettering, commit tracking, which records a previous owner may have handled
 * (replays after a take-over or rewind), and reading consumer groups' progress (lag, stalls, catching up).
 */
package io.codedelivery.kafka;
