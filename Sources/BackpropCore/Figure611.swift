/// The book's worked example (Goodfellow et al., section 6.5.7, Figure 6.11) as graph text.
public enum Figure611 {
    /// One hidden layer, no biases, cross-entropy plus weight decay λ(ΣW1² + ΣW2²).
    public static let text = """
        X = input()
        W1 = param()
        U1 = matmul(X, W1)
        H = relu(U1)
        W2 = param()
        U2 = matmul(H, W2)
        y = input()
        J_MLE = cross_entropy(U2, y)
        U3 = sqr(W1)
        u4 = sum(U3)
        U5 = sqr(W2)
        u6 = sum(U5)
        u7 = add(u4, u6)
        u8 = scale(u7, λ)
        J = add(J_MLE, u8)

        """

    /// The parsed graph.
    public static let graph: Graph = try! Graph(parsing: text)   // the text above is fixed and tested

    /// The book's short names for gradients: G = ∇U2 J, G' = ∇U1 J.
    public static let gradientAliases: [String: String] = ["U2": "G", "U1": "G'"]
}
