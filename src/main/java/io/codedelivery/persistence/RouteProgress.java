package io.codedelivery.persistence;

import io.codedelivery.model.Route;

/** {@link Route#cumulativeMetres()} computed once per route, for every delivery read on it. */
final class RouteProgress {
  private final double[] cumulativeMetres;

  RouteProgress(Route route) {
    cumulativeMetres = route.cumulativeMetres();
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
