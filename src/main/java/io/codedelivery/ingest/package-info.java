/**
 * The ingestion role: the port phones and trackers post their fixes to (default 5055, Traccar's OsmAnd port), in the
 * protocols of the apps drivers already have — OsmAnd (query or form parameters, also Traccar Client before 9),
 * Traccar Client 9+ JSON, and OwnTracks HTTP. Each protocol is a pure decoder from the request to one
 * {@link io.codedelivery.model.DeviceFix} or a {@link io.codedelivery.ingest.BadFix} naming what is wrong; checks common to
 * every protocol live in {@code FixBuilder}. {@code IngestVerticle} answers 200 only once Kafka has acknowledged the fix
 * on {@code device.positions}, so a phone that got 200 never loses it and one that got anything else sends it again
 * (the same device and fix time: the same fix downstream).
 *
 * <p>Imports model, config, kafka, metrics and ops only; the registered devices come through a loader handed in by
 * the application ({@code KnownDevices}).
 */
package io.codedelivery.ingest;
