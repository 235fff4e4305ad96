package io.codedelivery.persistence;

import io.codedelivery.model.Route;

/** Distances along one route, computed once: how far point i is from the start, and what remains. */
final class RouteProgress {
  private final double[] cumulativeMetres;

  RouteProgress(Route route) {
    cumulativeMetres = new double[route.points().size()];
    for (int i = 1; i < cumulativeMetres.length; i++) {
      cumulativeMetres[i] = cumulativeMetres[i - 1] + route.points().get(i - 1).metresTo(route.points().get(i));
    }
  }

  boolean hasPoint(long index) {
    return index >= 0 && index < cumulativeMetres.length;
  }

  double coveredMetres(int index) {
    return cumulativeMetres[index];
  }

  double remainingMetres(int index) {
    return cumulativeMetres[cumulativeMetres.length - 1] - cumulativeMetres[index];
  }

  /** 0 at the first point, 1 at the last, by point count so it matches what the map shows. */
  double fraction(int index) {
    return cumulativeMetres.length == 1 ? 1 : (double) index / (cumulativeMetres.length - 1);
  }
}
