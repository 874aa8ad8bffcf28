using Orleans.Storage;
using OrleansFlow.Storage;
using OrleansFlow.Tests.Fixtures;
using OrleansFlow.Tests.Fixtures.Grains;
using static OrleansFlow.Tests.Fixtures.LocalStorageHarness;

namespace OrleansFlow.Tests.Unit.Storage;

[Trait("Category", "Unit")]
public sealed class LocalDirectoryGrainStorageTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ReadState_AfterWriteState_ReturnsTheStateAndItsETag()
    {
        var storage = await CreateAsync(_dir.Path);
        var written = NewState("hello", 1, 2, 3);

        await storage.WriteStateAsync("probe", Grain("a"), written);
        var read = Blank();
        await storage.ReadStateAsync("probe", Grain("a"), read);

        Assert.NotNull(written.ETag);
        Assert.True(written.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.True(read.RecordExists);
        Assert.Equal("hello", read.State!.Text);
        Assert.Equal([1L, 2, 3], read.State!.Values);
    }

    [Fact]
    public async Task ReadState_WhenNothingWasWritten_ReturnsAFreshStateWithoutRecordOrETag()
    {
        var storage = await CreateAsync(_dir.Path);
        var read = NewState("stale in memory");

        await storage.ReadStateAsync("probe", Grain("nobody"), read);

        Assert.Null(read.ETag);
        Assert.False(read.RecordExists);
        Assert.Equal("", read.State!.Text);
    }

    [Fact]
    public async Task ReadState_ByANewProviderOverTheSameDirectory_ReturnsWhatTheOldOneWrote()
    {
        var first = await CreateAsync(_dir.Path);
        var written = NewState("durable", 42);
        await first.WriteStateAsync("probe", Grain("a"), written);
        await first.WriteStateAsync("other", Grain("a"), NewState("other state"));

        var restarted = await CreateAsync(_dir.Path);
        var read = Blank();
        await restarted.ReadStateAsync("probe", Grain("a"), read);

        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("durable", read.State!.Text);
        Assert.Equal([42L], read.State!.Values);
    }

    [Fact]
    public async Task WriteState_WithAStaleETag_ThrowsInconsistentStateExceptionAndKeepsTheStoredState()
    {
        var storage = await CreateAsync(_dir.Path);
        var first = NewState("v1");
        await storage.WriteStateAsync("probe", Grain("a"), first);
        var staleETag = first.ETag;
        first.State!.Text = "v2";
        await storage.WriteStateAsync("probe", Grain("a"), first);

        var stale = NewState("lost update");
        stale.ETag = staleETag;
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", Grain("a"), stale));

        Assert.Equal(first.ETag, error.StoredEtag);
        Assert.Equal(staleETag, error.CurrentEtag);
        var read = Blank();
        await storage.ReadStateAsync("probe", Grain("a"), read);
        Assert.Equal("v2", read.State!.Text);
    }

    [Fact]
    public async Task WriteState_WithoutETagOverAnExistingRecord_ThrowsInconsistentStateException()
    {
        var storage = await CreateAsync(_dir.Path);
        await storage.WriteStateAsync("probe", Grain("a"), NewState("first"));

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", Grain("a"), NewState("blind write")));
    }

    [Fact]
    public async Task WriteState_FromTwoProvidersWithTheSameETag_LetsExactlyOneWin()
    {
        var storages = new[] { await CreateAsync(_dir.Path), await CreateAsync(_dir.Path) };
        var initial = NewState("base");
        await storages[0].WriteStateAsync("probe", Grain("contended"), initial);

        var attempts = Enumerable.Range(0, 16).Select(async i =>
        {
            var state = NewState("writer " + i);
            state.ETag = initial.ETag;
            try
            {
                await storages[i % 2].WriteStateAsync("probe", Grain("contended"), state);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        });
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(won => won));
    }

    [Fact]
    public async Task ClearState_DeletesTheFileSoLaterReadsFindNoRecord()
    {
        var storage = await CreateAsync(_dir.Path);
        var state = NewState("to clear", 5);
        await storage.WriteStateAsync("probe", Grain("a"), state);

        await storage.ClearStateAsync("probe", Grain("a"), state);
        var read = Blank();
        await storage.ReadStateAsync("probe", Grain("a"), read);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal("", state.State!.Text);
        Assert.False(read.RecordExists);
        Assert.Empty(Directory.GetFiles(_dir.Path));
        await storage.WriteStateAsync("probe", Grain("a"), NewState("written again"));
    }

    [Fact]
    public async Task ClearState_WithAStaleETag_ThrowsInconsistentStateExceptionAndKeepsTheFile()
    {
        var storage = await CreateAsync(_dir.Path);
        var state = NewState("v1");
        await storage.WriteStateAsync("probe", Grain("a"), state);
        var stale = NewState("v1");
        stale.ETag = "not-the-stored-etag";

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("probe", Grain("a"), stale));

        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public async Task WriteState_ForManyGrainsConcurrently_KeepsEveryGrainsOwnStateAndNoTemporaryFiles()
    {
        var storages = new[] { await CreateAsync(_dir.Path), await CreateAsync(_dir.Path) };
        var keys = Enumerable.Range(0, 64).Select(i => "grain/" + i).ToArray();

        await Task.WhenAll(keys.Select((key, i) => Task.Run(async () =>
        {
            var state = NewState(key, i);
            for (var round = 0; round < 3; round++)
            {
                state.State!.Values.Add(round);
                await storages[i % 2].WriteStateAsync("probe", Grain(key), state);
            }
        })));

        var reader = await CreateAsync(_dir.Path);
        for (var i = 0; i < keys.Length; i++)
        {
            var read = Blank();
            await reader.ReadStateAsync("probe", Grain(keys[i]), read);
            Assert.Equal(keys[i], read.State!.Text);
            Assert.Equal([i, 0L, 1, 2], read.State!.Values);
        }

        Assert.Equal(keys.Length, Directory.GetFiles(_dir.Path).Length);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*" + StateFileName.TemporaryExtension));
    }

    [Fact]
    public async Task ReadState_OfADamagedFile_FailsNamingTheFile()
    {
        var storage = await CreateAsync(_dir.Path);
        await storage.WriteStateAsync("probe", Grain("a"), NewState("whole"));
        var file = Assert.Single(Directory.GetFiles(_dir.Path));
        var bytes = await File.ReadAllBytesAsync(file);
        await File.WriteAllBytesAsync(file, bytes[..^3]);

        var error = await Assert.ThrowsAsync<LocalDirectoryStorageException>(() => storage.ReadStateAsync("probe", Grain("a"), Blank()));

        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitializeAsync_CreatesAMissingDirectory()
    {
        var nested = Path.Combine(_dir.Path, "a", "b");

        var storage = await CreateAsync(nested);

        Assert.True(Directory.Exists(nested));
        Assert.Equal(Path.GetFullPath(nested), storage.Directory);
    }

    [Fact]
    public async Task InitializeAsync_WhenTheDirectoryCannotBeCreated_FailsNamingIt()
    {
        var blocker = _dir.File("a-file");
        await File.WriteAllTextAsync(blocker, "not a directory");
        var below = Path.Combine(blocker, "checkpoints");

        var error = await Assert.ThrowsAsync<OrleansConfigurationException>(() => CreateAsync(below, "flow-checkpoints"));

        Assert.Contains("flow-checkpoints", error.Message, StringComparison.Ordinal);
        Assert.Contains(below, error.Message, StringComparison.Ordinal);
    }
}
