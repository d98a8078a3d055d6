import ArgumentParser
import BackpropCore
import BackpropData
import BackpropExplorer
import BackpropData

/// The command as users see it in `--help`: name, summary, and the options above.
struct Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop-tui",
        abstract: "Back-propagation made visible: the Deep Learning book's MLP example (section 6.5.7, Figure 6.11).",
        discussion: """
            With no mode flag, opens the interactive TUI on the embedded spirals (3-8-3, m = 8): step \
            through the forward pass and back-propagation node by node (? lists the keys, : the commands). \
            --batch trains headless on the embedded spirals, Fashion-MNIST, IDX folders or CSV files. \
            Sessions: --record FILE, then --replay FILE [--verify | --export-cast OUT.cast]. \
            Exit codes: 64 bad flag, 65 bad data, 66 missing input, 73/74 cannot write, 3 diverged, \
            4 a --break-on breakpoint held, \
            2 no usable terminal, 1 session digest mismatch, 128+n after signal n.
            """)
    @OptionGroup var options: Options
}
