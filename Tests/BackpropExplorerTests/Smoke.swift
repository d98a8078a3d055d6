import Testing
@testable import BackpropExplorer

@Test func printScreens() {
    var s = spiralState()
    for _ in 0..<5 { Explorer.reduce(into: &s, .stepForward) }
    print(Screen.render(s, width: 80, height: 24).text)
    for _ in 0..<9 { Explorer.reduce(into: &s, .stepForward) }
    print(Screen.render(s, width: 80, height: 24).text)
    Explorer.reduce(into: &s, .last)
    print(Screen.render(s, width: 120, height: 40).text)
    print(Screen.render(s, width: 40, height: 12).text)
}
