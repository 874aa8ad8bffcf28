using OrleansFlow.Storage;

namespace OrleansFlow.Tests.Unit.Storage;

[Trait("Category", "Unit")]
public sealed class StateFileNameTests
{
    [Fact]
    public void For_AGrainIdWithPathAndReservedCharacters_GivesAPlainFileName()
    {
        var name = StateFileName.For("state", "flow.keyed/../job:1\\x*?<>|\"\0");

        Assert.Equal(name, Path.GetFileName(name));
        Assert.DoesNotContain("..", name, StringComparison.Ordinal);
        Assert.All(name, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));
        Assert.EndsWith(StateFileName.Extension, name, StringComparison.Ordinal);
    }

    [Fact]
    public void For_IdsThatSanitizeAlike_GivesDifferentNames()
    {
        Assert.NotEqual(StateFileName.For("s", "a/b"), StateFileName.For("s", "a:b"));
        Assert.NotEqual(StateFileName.For("s", "A"), StateFileName.For("s", "a"));
        Assert.NotEqual(StateFileName.For("ab", "c"), StateFileName.For("a", "bc"));
    }

    [Fact]
    public void For_AVeryLongGrainId_StaysWellUnderFileSystemLimits()
    {
        var name = StateFileName.For("state", new string('k', 5000));

        Assert.True(name.Length < 160, $"{name.Length} characters");
        Assert.NotEqual(name, StateFileName.For("state", new string('k', 4999)));
    }

    [Fact]
    public void For_TheSameIdentity_IsStable()
    {
        Assert.Equal(StateFileName.For("probe", "flow.keyed/job-1"), StateFileName.For("probe", "flow.keyed/job-1"));
    }
}
