/**
 * The tracking stage: reads devices' fixes from {@code device.positions} in a shared consumer group, attaches each to
 * its device's active delivery and produces it on {@code route.new-position} keyed by the delivery, with the server's
 * distance left, progress and ETA, and ends the delivery when the vehicle has arrived. Its state per device is saved
 * in MongoDB before its offsets are committed, so a restart or a rebalance goes on where it was.
 */
package io.codedelivery.tracking;
