import BackpropExplorer
import CNcurses
import Foundation

/// The one file that talks to ncurses: start-up checks, key decoding, drawing a cell grid, restoring.
final class Terminal {
    private var screen: OpaquePointer?
    private var pairs: [Pair: Int16] = [:]
    private var closed = false
    let options: RenderOptions
    let colour: Bool

    struct Pair: Hashable { var fg: Int16; var bg: Int16 }

    /// Opens the terminal with `newterm`, or explains in one line why it cannot (exit 2).
    init() throws(Failure) {
        setlocale(LC_ALL, "")
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw .noTerminal("terminal: standard input and output must be a terminal for the interactive TUI; use "
                              + "--batch to train headless")
        }
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        // The shell's modes, read before ncurses changes anything: what a crash handler restores.
        Terminal.saveShellModes()
        guard !term.isEmpty, let scr = newterm(nil, bp_stdout(), bp_stdin()) else {
            throw .noTerminal("terminal: TERM='\(term)' is not a terminal type ncurses knows; set TERM (e.g. "
                              + "xterm-256color) or use --batch")
        }
        guard bp_cursor_addressable() == 1 else {
            endwin(); delscreen(scr)
            throw .noTerminal("terminal: TERM='\(term)' cannot move the cursor, which the TUI needs; use --batch to "
                              + "train headless")
        }
        screen = scr
        let utf8 = bp_is_utf8() == 1
        let noColour = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        colour = !noColour && has_colors()
        if colour { start_color(); use_default_colors() }
        options = RenderOptions(unicode: utf8, color: colour, grays: colour && bp_colors() >= 256)
        cbreak(); noecho(); nonl()
        // Ctrl-C is a key, not SIGINT (it stops a training; when idle it ends the program as SIGINT
        // would); Ctrl-Z still suspends. def_prog_mode keeps this across a suspend and `fg`.
        var modes = termios()
        if tcgetattr(1, &modes) == 0 {
            withUnsafeMutableBytes(of: &modes.c_cc) { $0[Int(VINTR)] = 0 }   // _POSIX_VDISABLE
            tcsetattr(1, TCSANOW, &modes)
            def_prog_mode()
        }
        keypad(bp_stdscr(), true)
        set_escdelay(25)   // Esc responds at once
        curs_set(0)
        Terminal.installCrashHandlers()
        // From here on, these end the loop (which restores the terminal) instead of the process.
        Signals.install([SIGINT, SIGTERM, SIGHUP, SIGQUIT])
    }

    var width: Int { Int(bp_cols()) }
    var height: Int { Int(bp_lines()) }

    /// Waits up to `milliseconds` (negative: forever) for a key. nil on timeout; `.resize` after a resize.
    /// Returns `nil` and sets `gone` when the terminal has gone away.
    func readKey(milliseconds: Int32) -> Key? {
        wtimeout(bp_stdscr(), milliseconds)
        var ch: wint_t = 0
        let r = wget_wch(bp_stdscr(), &ch)
        if r == ERR { return nil }
        if r == KEY_CODE_YES {
            switch Int32(ch) {
            case KEY_RESIZE: return .resize
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case KEY_DC: return .delete
            case KEY_BTAB: return .backTab
            default: return nil
            }
        }
        switch ch {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 3: return .interrupt
        case 8, 127: return .backspace
        default:
            guard let u = Unicode.Scalar(UInt32(ch)), ch >= 32 else { return nil }
            return .char(Character(u))
        }
    }

    /// Whether a key is waiting to be read (a training slice ends early for it: Esc stops at once).
    func inputPending() -> Bool {
        var p = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 0) > 0
    }

    /// Draws a grid (already the terminal's size) and shows it.
    func draw(_ grid: CellGrid) {
        let g = options.unicode ? grid : grid.ascii()
        werase(bp_stdscr())
        var cc = cchar_t()
        var wc: [wchar_t] = [0, 0]
        for y in 0..<min(g.height, height) {
            for x in 0..<min(g.width, width) {
                let cell = g[x, y]
                wc[0] = wchar_t(bitPattern: cell.char.unicodeScalars.first!.value)
                let (attr, pair) = attributes(cell.style)
                setcchar(&cc, wc, attr, pair, nil)
                mvwadd_wch(bp_stdscr(), Int32(y), Int32(x), &cc)
            }
        }
        wnoutrefresh(bp_stdscr())
        doupdate()
    }

    private func attributes(_ s: Style) -> (attr_t, Int16) {
        var a: attr_t = 0
        if s.bold { a |= bp_a_bold() }
        if s.dim { a |= bp_a_dim() }
        if s.reverse { a |= bp_a_reverse() }
        if s.underline { a |= bp_a_underline() }
        guard colour else { return (a, 0) }
        let p = Pair(fg: number(s.fg), bg: number(s.bg))
        if p.fg == -1 && p.bg == -1 { return (a, 0) }
        if let n = pairs[p] { return (a, n) }
        let n = Int16(pairs.count + 1)
        guard Int32(n) < bp_color_pairs() else { return (a, 0) }
        init_pair(n, p.fg, p.bg)
        pairs[p] = n
        return (a, n)
    }

    private func number(_ c: Color) -> Int16 {
        switch c {
        case .default: -1
        case .black: 0; case .red: 1; case .green: 2; case .yellow: 3
        case .blue: 4; case .magenta: 5; case .cyan: 6; case .white: 7
        case .gray(let n): options.grays ? Int16(232 + max(0, min(23, n))) : (n < 12 ? 0 : 7)
        }
    }

    /// A one-line message on an otherwise empty screen (shown while loading).
    func notice(_ text: String) {
        var g = CellGrid(width: width, height: height)
        g.put(1, 0, text, Style(bold: true))
        draw(g)
    }

    /// Restores the terminal: exactly once, whatever called it.
    func close() {
        guard !closed else { return }
        closed = true
        curs_set(1)
        endwin()
        if let s = screen { delscreen(s) }
        screen = nil
    }

    deinit { close() }
}

// MARK: - Restoring the terminal after a crash

/// What a crash handler needs, saved before the screen is taken over (read-only after that).
/// Heap-allocated: a Swift global of an imported struct is sized without its tail padding, and
/// tcgetattr writes the C struct's full size (the address sanitizer caught the overflow).
nonisolated(unsafe) private let savedTermios = UnsafeMutablePointer<termios>.allocate(capacity: 1)
nonisolated(unsafe) private var haveSavedTermios = false

extension Terminal {
    /// Saves the shell's terminal modes, before `newterm` changes them.
    /// (Not via reset_shell_mode/reset_prog_mode after it: that pair switches the terminal's
    /// keypad mode off until the first read, so an arrow key typed as the first frame appears
    /// arrives in the wrong encoding and is lost.)
    static func saveShellModes() {
        haveSavedTermios = tcgetattr(1, savedTermios) == 0
    }

    /// Installs handlers that put the shell's modes back on a fatal signal, so a crash never leaves
    /// the user with no echo, no cursor or the alternate screen (and never stuck behind Swift's
    /// interactive crash prompt, which these handlers replace).
    static func installCrashHandlers() {
        for sig in [SIGSEGV, SIGILL, SIGTRAP, SIGBUS, SIGABRT, SIGFPE] {
            signal(sig) { s in
                Terminal.restoreFromSignal()
                signal(s, SIG_DFL)
                raise(s)
            }
        }
    }

    /// Async-signal-safe: termios back, main screen, cursor visible, attributes reset.
    static func restoreFromSignal() {
        if haveSavedTermios { tcsetattr(1, TCSANOW, savedTermios) }
        let seq: StaticString = "\u{1B}[0m\u{1B}[?1049l\u{1B}[?25h\r\n"
        _ = write(1, seq.utf8Start, seq.utf8CodeUnitCount)
    }
}
