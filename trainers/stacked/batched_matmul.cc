#include "stacked/batched_matmul.h"

#include <cblas.h>
#include <torch/autograd.h>

namespace locosim::trainers {
namespace {

torch::Tensor Product(const torch::Tensor& a_in, const torch::Tensor& b_in, bool ta, bool tb) {
  if (!a_in.device().is_cpu() || a_in.scalar_type() != torch::kFloat ||
      b_in.scalar_type() != torch::kFloat) {
    return torch::bmm(ta ? a_in.transpose(1, 2) : a_in, tb ? b_in.transpose(1, 2) : b_in);
  }
  const torch::Tensor a = a_in.contiguous(), b = b_in.contiguous();
  const auto count = a.size(0);
  const auto m = ta ? a.size(2) : a.size(1), k = ta ? a.size(1) : a.size(2);
  const auto n = tb ? b.size(1) : b.size(2);
  TORCH_CHECK(b.size(0) == count && (tb ? b.size(2) : b.size(1)) == k,
              "BatchedMatmul: shapes do not match");
  torch::Tensor out = torch::empty({count, m, n}, a.options());
  const float* pa = a.data_ptr<float>();
  const float* pb = b.data_ptr<float>();
  float* pc = out.data_ptr<float>();
  const auto lda = static_cast<int>(a.size(2)), ldb = static_cast<int>(b.size(2));
  const auto a_size = a.size(1) * a.size(2), b_size = b.size(1) * b.size(2);
  for (std::int64_t i = 0; i < count; ++i) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0f,
                pa + i * a_size, lda, pb + i * b_size, ldb, 0.0f, pc + i * m * n,
                static_cast<int>(n));
  }
  return out;
}

// out = op(a) op(b). Gradients, for g = d loss / d out:
//   d/d op(a) = g op(b)^T, d/d op(b) = op(a)^T g, each transposed back when its operand was.
class BatchedMatmulFunction : public torch::autograd::Function<BatchedMatmulFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& a,
                               const torch::Tensor& b, bool ta, bool tb) {
    ctx->save_for_backward({a, b});
    ctx->saved_data["ta"] = ta;
    ctx->saved_data["tb"] = tb;
    return Product(a, b, ta, tb);
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor &a = saved[0], &b = saved[1], &g = grads[0];
    const bool ta = ctx->saved_data["ta"].toBool(), tb = ctx->saved_data["tb"].toBool();
    torch::Tensor grad_a, grad_b;
    if (ctx->needs_input_grad(0)) grad_a = ta ? Product(b, g, tb, true) : Product(g, b, false, !tb);
    if (ctx->needs_input_grad(1)) grad_b = tb ? Product(g, a, true, ta) : Product(a, g, !ta, false);
    return {grad_a, grad_b, torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor BatchedMatmul(const torch::Tensor& a, const torch::Tensor& b, bool transpose_a,
                            bool transpose_b) {
  return BatchedMatmulFunction::apply(a, b, transpose_a, transpose_b);
}

}  // namespace locosim::trainers
