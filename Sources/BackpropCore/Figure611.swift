/// The book's worked example (Goodfellow et al., section 6.5.7, Figure 6.11) as graph text.
public enum Figure611 {
    /// One hidden layer, no biases, cross-entropy plus weight decay λ(ΣW1² + ΣW2²); the `@` lines
    /// give the book's names to its quantities (G = ∇U2 J, G' = ∇U1 J, Hᵀ G, …; see `Quantity`).
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
        @G = grad(U2)
        @G_prime = grad(U1) "G'"
        @HT_G = from(U2, W2) "Hᵀ G"
        @G_W2T = from(U2, H) "G W2ᵀ"
        @XT_Gprime = from(U1, W1) "Xᵀ G'"
        @decay_W1 = from(U3, W1) "2λW1"
        @decay_W2 = from(U5, W2) "2λW2"
        @grad_W1 = grad(W1) "∇W1 J"
        @grad_W2 = grad(W2) "∇W2 J"

        """

    /// The parsed graph.
    public static let graph: Graph = try! Graph(parsing: text)   // the text above is fixed and tested
}
