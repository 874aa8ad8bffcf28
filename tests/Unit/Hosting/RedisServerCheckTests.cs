using OrleansFlow.Silo;

namespace OrleansFlow.Tests.Unit.Hosting;

/// <summary>
/// <c>flow silo</c> warns at start when its Redis keeps nothing across a restart (issue 13, item 4): Redis persists
/// with RDB snapshots (<c>save</c> holds at least one rule) or an append-only file (<c>appendonly yes</c>); with
/// neither, a restart starts empty.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RedisServerCheckTests
{
    [Theory]
    [InlineData("3600 1 300 100 60 10000", "no")]
    [InlineData("", "yes")]
    [InlineData("900 1", "yes")]
    public void PersistenceWarning_WhenSnapshotsOrTheAppendOnlyFileAreOn_IsNone(string save, string appendOnly)
    {
        Assert.Null(RedisServerCheck.PersistenceWarning("redis:6379", save, appendOnly));
    }

    [Fact]
    public void PersistenceWarning_WhenBothAreOff_IsOneLineNamingTheServerAndSettings()
    {
        Assert.Equal(
            "warning: Redis at redis:6379 has persistence off (save '', appendonly 'no'): a restart of it loses the cluster's jobs and checkpoints; see 'Redis for production' in docs/operations.md",
            RedisServerCheck.PersistenceWarning("redis:6379", "", "no"));
    }
}
