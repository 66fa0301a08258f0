import Calls
import Testing

@testable import Feeds

/// The NFON idle watchdog measures silence on monotonic time (10.8).
@Suite struct IdleWatchdogTests {
    @Test func aWallClockJumpDoesNotTripTheIdleWatchdog() {
        let time = ManualClock()
        let mark = ActivityMark(clock: time.clock)
        time.advance(by: .seconds(10))
        // An operator sets the clock an hour ahead, then two hours back.
        time.stepWall(by: .seconds(3600))
        #expect(mark.silence == 10_000_000_000)
        time.stepWall(by: .seconds(-7200))
        #expect(mark.silence == 10_000_000_000)
        mark.touch()
        #expect(mark.silence == 0)
        time.advance(by: .seconds(61))
        #expect(mark.silence == 61_000_000_000, "real silence is still seen")
    }
}
