#pragma once
// Force guidance from Boltzmann scores beta*F of the training samples (see docs/method.md).
//
// The data are modelled as tempered Boltzmann samples, p_data ~ p_B^r. Stein's identity gives
// r_hat = dof / v with v = -<beta F . y> (y centred per frame); the force Fisher matrix G = <beta F beta F^T>
// preconditions the forces along stiff and soft modes alike.
//   FI: each positive moves by omega * (1 - sqrt(r)) / r * G^+ beta F(y) (exact for harmonic
//       modes at omega = 1): the attraction y - x becomes y - x + omega * (force term), with the
//       kernel evaluated at the moved positive so that the field's fixed point is their law.
//   FK: each positive's affinities are multiplied by exp(-gamma * beta E(y)): with gamma = 1 - r
//       this is the importance weight p_B/p_data up to a constant; targets unchanged. beta E(y)
//       comes from the forces alone, integrated by the trapezoid rule along the edges of a
//       nearest-neighbour graph of the samples and reconciled by least squares.
#include <torch/torch.h>

namespace drift {

struct GuidanceStats {
  double virial = 0;       // v = -<beta F . y>
  double r_hat = 1;        // dof / v
  double r_hat_standard_error = 0;  // from the spread of the per-frame virials (frames taken as independent)
  int dof = 0;
  torch::Tensor fisher_pinv;  // [D, D]
  torch::Tensor mean;         // [D]
};

// y, beta_f: [M, D] (aligned, centred coordinates and rotated scores). dof: 3N-3 for a centred
// molecule, D for a plain vector space. eig_cutoff: eigenvalues of G below cutoff * max are dropped.
GuidanceStats guidance_stats(const torch::Tensor& y, const torch::Tensor& beta_f, int dof, double eig_cutoff = 1e-2);

// FI displacement of each positive (omega = 1): [M, D].
torch::Tensor fi_displacement(const GuidanceStats& s, const torch::Tensor& beta_f);

// FI displacement with a preconditioner of each frame's own: (1 - sqrt(r)) (beta H_k)^+ beta F_k, with
// beta H_k [M, D, D] the force field's Hessian at frame k; of each frame, eigenvalues below
// eig_cutoff x its largest (and negative ones) are dropped. Exact for a harmonic basin in any
// orientation: the pooled G = <beta F beta F^T> averages the stiff directions of different rotamers
// (a stretch whose direction turns with a torsion) and over- or under-moves each of them.
torch::Tensor fi_displacement_per_frame(double r_hat, const torch::Tensor& beta_f, const torch::Tensor& beta_hessians,
                                        double eig_cutoff = 1e-2);

// beta E of every sample up to a constant (mean zero), from the scores alone: [M] float64.
// Exact for quadratic energies; for anharmonic ones the error is third order in the edge length.
torch::Tensor force_integrated_energy(const torch::Tensor& y, const torch::Tensor& beta_f, int neighbours = 10);

// FK log-weights -gamma * beta E: [M], centred, clipped at +-clip.
torch::Tensor fk_log_weights(const torch::Tensor& beta_energy, double gamma, double clip);

}  // namespace drift
