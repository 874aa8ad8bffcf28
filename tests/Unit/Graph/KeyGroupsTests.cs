using System.Globalization;
using OrleansFlow.Graph;

namespace OrleansFlow.Tests.Unit.Graph;

[Trait("Category", "Unit")]
public sealed class KeyGroupsTests
{
    public static TheoryData<int, int> Parallelisms => new()
    {
        { 1, 128 },
        { 2, 128 },
        { 3, 128 },
        { 4, 128 },
        { 7, 128 },
        { 128, 128 },
        { 5, 32768 },
        { 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Parallelisms))]
    public void SubtaskFor_WhenHashIsAnyValue_IsWithinParallelism(int parallelism, int maxParallelism)
    {
        int[] hashes = [0, 1, -1, 127, 128, int.MaxValue, int.MinValue, int.MinValue + 1, 123456789, -987654321];
        foreach (var hash in hashes.Concat(Enumerable.Range(0, 2000).Select(i => KeyFormat.StableHash("k" + i.ToString(CultureInfo.InvariantCulture)))))
        {
            var subtask = KeyGroups.SubtaskFor(hash, maxParallelism, parallelism);
            Assert.InRange(subtask, 0, parallelism - 1);
            Assert.InRange(KeyGroups.KeyGroupFor(hash, maxParallelism), 0, maxParallelism - 1);
        }
    }

    [Theory]
    [MemberData(nameof(Parallelisms))]
    public void SubtaskFor_WhenKeyGroupsAreAssigned_GivesEachSubtaskFlinksContiguousRange(int parallelism, int maxParallelism)
    {
        // Flink's KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex: subtask i owns key groups
        // [ceil(i * max / p), floor(((i + 1) * max - 1) / p)], which is the inverse of keyGroup * p / max.
        for (var subtask = 0; subtask < parallelism; subtask++)
        {
            var first = ((subtask * maxParallelism) + parallelism - 1) / parallelism;
            var last = (((subtask + 1) * maxParallelism) - 1) / parallelism;
            for (var keyGroup = first; keyGroup <= last; keyGroup++)
            {
                // A non-negative hash below maxParallelism is its own key group.
                Assert.Equal(keyGroup, KeyGroups.KeyGroupFor(keyGroup, maxParallelism));
                Assert.Equal(subtask, KeyGroups.SubtaskFor(keyGroup, maxParallelism, parallelism));
            }
        }
    }

    [Fact]
    public void KeyGroupFor_WhenHashIsNegative_TreatsItAsUnsigned()
    {
        Assert.Equal(127, KeyGroups.KeyGroupFor(-1, 128));
        Assert.Equal(0, KeyGroups.KeyGroupFor(int.MinValue, 128));
        Assert.Equal((int)(unchecked((uint)-12345) % 100u), KeyGroups.KeyGroupFor(-12345, 100));
    }

    [Fact]
    public void Route_WhenKeysAreStrings_SendsEveryKeyToTheSubtaskOfItsKeyGroup()
    {
        const int MaxParallelism = 128;
        const int Parallelism = 4;
        var router = new KeyRouter<string, string>(s => s);
        for (var i = 0; i < 1000; i++)
        {
            var key = "key-" + i.ToString(CultureInfo.InvariantCulture);
            var keyGroup = KeyGroups.KeyGroupFor(KeyFormat.StableHash(key), MaxParallelism);
            var expected = Enumerable.Range(0, Parallelism).Single(s => keyGroup >= s * MaxParallelism / (double)Parallelism && keyGroup < (s + 1) * MaxParallelism / (double)Parallelism);

            Assert.Equal(expected, router.Route(key, Parallelism, MaxParallelism));
        }
    }

    [Fact]
    public void Route_When10000StringKeys_SpreadsThemEvenlyOverFourSubtasks()
    {
        var router = new KeyRouter<string, string>(s => s);
        var counts = new int[4];
        for (var i = 0; i < 10_000; i++)
        {
            counts[router.Route("user-" + i.ToString(CultureInfo.InvariantCulture), 4, 128)]++;
        }

        // An even spread gives 2500 each; allow a wide margin for hashing and key-group granularity.
        Assert.All(counts, c => Assert.InRange(c, 2000, 3000));
    }

    [Fact]
    public void Route_WhenTheSameKeyComesInDifferentRecords_GoesToTheSameSubtask()
    {
        var router = new KeyRouter<(string Word, int Count), string>(r => r.Word);

        Assert.Equal(router.Route(("apple", 1), 5, 128), router.Route(("apple", 99), 5, 128));
    }

    [Fact]
    public void Route_WhenSelectorReturnsNull_ThrowsClearError()
    {
        var router = new KeyRouter<string, string>(_ => null!);

        var error = Assert.Throws<InvalidOperationException>(() => router.Route("x", 2, 128));

        Assert.Contains("null", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StableHash_WhenLongsDifferOnlyInHighBits_Differ()
    {
        Assert.NotEqual(KeyFormat.StableHash(1L << 32), KeyFormat.StableHash(0L));
        Assert.NotEqual(KeyFormat.StableHash(7L + (3L << 40)), KeyFormat.StableHash(7L));
    }

    [Fact]
    public void StableHash_WhenKeyIsComposite_DependsOnEveryField()
    {
        Assert.Equal(KeyFormat.StableHash(("a", 1)), KeyFormat.StableHash(("a", 1)));
        Assert.NotEqual(KeyFormat.StableHash(("a", 1)), KeyFormat.StableHash(("a", 2)));
        Assert.NotEqual(KeyFormat.StableHash(("a", 1)), KeyFormat.StableHash(("b", 1)));
    }

    [Fact]
    public void Format_WhenKeysAreDistinct_GivesDistinctText()
    {
        // The text names the key's per-key grain, so two different keys must never share it.
        var start = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        Assert.NotEqual(KeyFormat.Format(start), KeyFormat.Format(start.AddMilliseconds(1)));
        Assert.NotEqual(KeyFormat.Format(start), KeyFormat.Format(start.AddTicks(1)));
        var offset = new DateTimeOffset(start);
        Assert.NotEqual(KeyFormat.Format(offset), KeyFormat.Format(offset.AddMilliseconds(1)));
        Assert.NotEqual(KeyFormat.Format(1.5), KeyFormat.Format(1.25));
        Assert.NotEqual(KeyFormat.Format(("a", 1)), KeyFormat.Format(("a", 2)));
    }

    [Fact]
    public void Format_WhenKeysAreEqual_GivesTheSameText()
    {
        var utc = new DateTime(2024, 5, 1, 12, 0, 0, 5, DateTimeKind.Utc);
        Assert.Equal(KeyFormat.Format(utc), KeyFormat.Format(new DateTime(utc.Ticks, DateTimeKind.Utc)));

        // DateTime equality ignores Kind; DateTimeOffset equality compares instants.
        Assert.True(utc == new DateTime(utc.Ticks, DateTimeKind.Unspecified));
        Assert.Equal(KeyFormat.Format(utc), KeyFormat.Format(new DateTime(utc.Ticks, DateTimeKind.Unspecified)));
        var inParis = new DateTimeOffset(2024, 5, 1, 14, 0, 0, 5, TimeSpan.FromHours(2));
        Assert.True(inParis.Equals(new DateTimeOffset(utc)));
        Assert.Equal(KeyFormat.Format(new DateTimeOffset(utc)), KeyFormat.Format(inParis));
        Assert.Equal(KeyFormat.Format(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e")), KeyFormat.Format(Guid.Parse("0F8FAD5B-D9CB-469F-A165-70867728950E")));
        Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e", KeyFormat.Format(Guid.Parse("0F8FAD5B-D9CB-469F-A165-70867728950E")));
        Assert.Equal("true", KeyFormat.Format(true));
        Assert.Equal("x", KeyFormat.Format('x'));
        Assert.Equal("Friday", KeyFormat.Format(DayOfWeek.Friday));
    }
}
