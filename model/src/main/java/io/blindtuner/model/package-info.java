/**
 * The head the cloud trains on ciphertexts, its plaintext twin and its float reference.
 *
 * <h2>Model</h2>
 *
 * Each image is T tokens of d values (hospital side: featurizer, PCA, standardisation, clipping to
 * [-3, 3], centring per image: {@link io.blindtuner.model.data.TokenScaling}). Attention pooling
 * with a trainable query q, centred scores {@code c_t = <x_t - mean x, q> / sqrt(d)}, pooled {@code
 * z = mean x + sum_t w_t (x_t - mean x)}; MLP {@code d -> m -> C}; softmax cross-entropy with
 * gradient {@code p - y}; Nesterov with weight decay and a cosine schedule. {@link
 * io.blindtuner.model.HeadFunctions#polynomial} is the model trained under encryption and by the
 * twin; {@link io.blindtuner.model.HeadFunctions#exact} is the float reference.
 *
 * <h2>Approximations (package {@code approx})</h2>
 *
 * <ul>
 *   <li>attention: the second-order Taylor softmax around the uniform weights (weights sum to 1
 *       exactly, no division; with centred tokens the coefficient is {@code (c + c^2/2) / T}, one
 *       square);
 *   <li>GELU: {@code 0.20085 h^2 + 0.5 h}, least squares on [-3, 3] (max error 0.312 there);
 *   <li>softmax: {@code p_c = 1/C + f(u_c) - mean f(u)}, u the centred logits, f the best odd
 *       polynomial of degree at most 5 with a positive leading coefficient (so the surrogate loss
 *       whose gradient is p - y is bounded below): two classes {@code 0.40933 v - 0.04648 v^3 +
 *       0.00201 v^5} on logits in [-4, 4] (max error 0.188, 0.033 on [-2, 2]); five classes a cubic
 *       on [-2, 2] (0.315).
 * </ul>
 *
 * <h2>Packing (package {@code packing})</h2>
 *
 * One ciphertext per quantity holds the whole batch: slot {@code (b, r, s) = b*T*d + r*d + s},
 * batch outermost; parameters replicated over the batch, so every batch sum is a cyclic all-sum
 * that leaves the gradient replicated like its parameter ({@link
 * io.blindtuner.model.packing.SlotLayout}). At N = 16384: B = 32, T = d = m = 16. Every level has
 * one canonical scale ({@link io.blindtuner.model.packing.ScaleLadder}).
 *
 * <h2>Stages (package {@code stage}), levels and rotations per step (B = 32, T = d = m = 16, C = 2)
 * </h2>
 *
 * attention forward 5 levels / 16 rotations, backward 4 / 17; MLP forward 5 / 16, backward 5 (4 to
 * dW1) / 33; loss 5 / 4 (five classes: 4 / 14); optimizer 2 / 0. Each stage declares its Galois
 * steps and levels; the {@link io.blindtuner.model.plan.DepthPlanner} checks the segments between
 * refreshes before training.
 *
 * <h2>Refresh (package {@code refresh}; hospital side in {@code hospital})</h2>
 *
 * Five round trips per step ({@link io.blindtuner.model.cloud.EncryptedTrainer}), 17 ciphertexts,
 * each refreshed to the level its consumer needs; the hospital replies with seeded symmetric
 * ciphertexts. Only classes in {@code .hospital.} hold the secret key.
 */
package io.blindtuner.model;
