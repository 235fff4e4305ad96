/**
 * A delivery's stored track as files other tools open (GPX 1.1, KML 2.2, CSV, GeoJSON) and as a summary (distance,
 * duration, speeds, stops). Pure: points in, bytes or figures out; the web layer reads the store and streams.
 *
 * <p>A {@link io.codedelivery.export.TrackWriter} is fed the track page by page, in one or more passes over it (a
 * format whose file holds two lists of the same points, such as GeoJSON's coordinates and times, reads the track
 * once per list), so no format needs the whole track in memory.
 */
package io.codedelivery.export;
