#pragma once
// Force guidance from Boltzmann scores beta*F of the training samples (see docs/method.md).
//
// The data are modelled as tempered Boltzmann samples, p_data ~ p_B^r. Stein's identity gives
// r_hat = dof / v with v = -<beta F . y> (y centred per frame); the force Fisher matrix G = <beta F beta F^T>
// preconditions the forces along stiff and soft modes alike.
//   FI: each positive moves by omega * (1 - sqrt(r)) / r * G^+ beta F(y) (exact for harmonic
//       modes at omega = 1): the attraction y - x becomes y - x + omega * (force term), with the
//       kernel evaluated at the moved positive so that the field's fixed point is their law.
//   FK: each positive's kernel logit gains -gamma / (2 r) * beta F(y)^T G^+ beta F(y): with
//       gamma = 1 - r this is (r - 1) times the harmonic estimate of beta E(y) - beta E_min from
//       the force alone (beta E - beta E_min = beta F^T K^-1 beta F / 2, K = r G), i.e. the
//       log importance weight log p_B/p_data up to a constant; targets unchanged.
#include <torch/torch.h>

namespace drift {

struct GuidanceStats {
  double virial = 0;       // v = -<beta F . y>
  double r_hat = 1;        // dof / v
  int dof = 0;
  torch::Tensor fisher_pinv;  // [D, D]
  torch::Tensor mean;         // [D]
};

// y, beta_f: [M, D] (aligned, centred coordinates and rotated scores). dof: 3N-3 for a centred
// molecule, D for a plain vector space. eig_cutoff: eigenvalues of G below cutoff * max are dropped.
GuidanceStats guidance_stats(const torch::Tensor& y, const torch::Tensor& beta_f, int dof, double eig_cutoff = 1e-2);

// FI displacement of each positive (omega = 1): [M, D].
torch::Tensor fi_displacement(const GuidanceStats& s, const torch::Tensor& beta_f);

// FK log-weights: [M], centred, clipped at +-clip.
torch::Tensor fk_log_weights(const GuidanceStats& s, const torch::Tensor& beta_f, double gamma, double clip);

}  // namespace drift
