import BackpropCore
import BackpropTraining

extension ExplorerState {
    /// Starts the training an action asks for; `continueTraining` runs it, `finishTraining` ends it.
    /// The reducer does all three at once; the live TUI a slice of units per frame.
    public mutating func beginTraining(_ action: Action) {
        let n: Int, measure: Bool
        switch action {
        case .trainStep: n = 1; measure = cheapToMeasure
        case .train(let k): n = max(0, k); measure = true
        case .trainStopped(let k): n = max(0, k); measure = false
        case .trainEpoch: n = run.updatesLeftInEpoch; measure = true
        default: return
        }
        check = nil; tab = 0; scrollRow = 0; scrollCol = 0   // what any model-changing action resets
        training = TrainingJob(action: action, target: n, measure: measure, startUpdates: run.updates)
    }

    /// Does units of the training under way (an update, or a chunk of an accuracy measurement:
    /// about the same work) for as long as `proceed()` says, at least one; false once there is
    /// nothing left to do. (The shell's `proceed` reads its clock; the result never depends on it.)
    /// A divergence ends the job with the weights of the update before it (the slice is re-run
    /// from its start, which gives the same bits).
    public mutating func continueTraining(while proceed: () -> Bool = { true }) -> Bool {
        guard var job = training else { return false }
        let saved = (run: run, losses: losses.count)
        var more = true, first = true
        while first || proceed() {
            first = false
            if job.done >= job.target {
                guard job.measure else { more = false; break }
                if !run.isMeasuring {
                    if job.measurementRequested || run.accuracy?.step == run.updates { more = false; break }
                    run.requestMeasurement(); job.measurementRequested = true
                }
            }
            switch run.advance() {
            case .updated(let u): job.done += 1; losses.append(u.J)
            case .measuring, .measured: break
            case .breakpoint(let b):
                // The update was not made: the loop stands before it.
                job.problem = b.line
                job.breakpoint = b
                more = false
            case let .diverged(update, _, tensor, origin):
                job.problem = "update \(update): \(tensor) is not finite (NaN or Inf)"
                    + (origin.map { ", \($0.summary)" } ?? "") + "; training diverged, try :set lr with a smaller value"
                run = saved.run; losses.removeLast(losses.count - saved.losses)
                while run.updates < update - 1 || run.isMeasuring {
                    if case .updated(let u) = run.advance() { losses.append(u.J) }
                }
                job.done = run.updates - job.startUpdates
                more = false
            case .failed(let message):
                job.problem = message
                more = false
            }
            if !more { break }
        }
        run.sync()
        training = job
        return more
    }

    /// Ends the training under way (run to its end, or stopped after the updates made) and steps
    /// the loop's next minibatch; returns the action that reproduces it in a replay.
    @discardableResult
    public mutating func finishTraining(stopped: Bool) -> Action? {
        guard let job = training else { return nil }
        training = nil
        do throws(EvalError) { try followLoop() } catch {
            status = .init("\(error)", isError: true)
        }
        let made = job.done == 1 ? "1 update" : "\(job.done) updates"
        if let b = job.breakpoint {
            // The update that broke was not made: its minibatch is the one now stepped. Step to
            // where the breakpoint first holds (for a NaN or Inf: past the step that made it).
            var at = ""
            if let o = b.origin, (try? stepper.seek(to: min(o.step + 1, stepCount))) != nil {
                at = "; at " + engine.describe(step: position - 1)
            } else if (try? stepUntilBreak(to: stepCount)) == true {
                at = "; at " + engine.describe(step: position - 1)
            }
            status = .init(b.line + " (\(made) made)" + at, isError: true)
        } else if let p = job.problem {
            status = .init(p + " (\(made) made)", isError: true)
        } else if stopped {
            status = .init("stopped after \(made) of \(job.target): update \(run.updates), epoch \(run.epochsDone + 1)")
        } else {
            let j = losses.last.map { "J = \(formatNumber($0))" } ?? ""
            let acc = accuracyAt == updates
                ? ", train acc \(formatPercent(trainAccuracy))"
                    + (testAccuracy.map { ", test acc \(formatPercent($0))" } ?? "")
                : ""
            status = .init("\(made): \(j)\(acc); new minibatch at step 0")
        }
        return stopped ? .trainStopped(steps: job.done) : job.action
    }
}
