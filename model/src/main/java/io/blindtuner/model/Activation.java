package io.blindtuner.model;

/** The MLP's element-wise activation. */
public interface Activation {

  double value(double h);

  double derivative(double h);

  /** A short description for reports. */
  String describe();
}
