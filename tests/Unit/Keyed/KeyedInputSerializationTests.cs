using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansFlow.Keyed;

namespace OrleansFlow.Tests.Unit.Keyed;

/// <summary>
/// A keyed subtask sends each key a range of arrays shared by all keys of a flush. Inside a silo the input is passed
/// as it is (immutable); to another silo only the key's range may travel, as exact arrays.
/// </summary>
[Trait("Category", "Unit")]
public sealed class KeyedInputSerializationTests
{
    [Fact]
    public void Serialize_WhenTheInputIsARangeOfSharedArrays_SendsOnlyThatRange()
    {
        var input = new KeyedInput("k", new[] { "x", "a", "b", "y" }, [1, 2, 3, 4], Watermark: 9, ProcessingTime: 77, Watermarks: [5, 6, 7, 8], Offset: 1, Count: 2);

        var (serializer, services) = NewSerializer();
        using (services)
        {
            var bytes = serializer.SerializeToArray(input);
            var copy = serializer.Deserialize<KeyedInput>(bytes)!;

            Assert.Equal("k", copy.Key);
            Assert.Equal(["a", "b"], (string[])copy.Records);
            Assert.Equal([2L, 3L], copy.Timestamps!);
            Assert.Equal([6L, 7L], copy.Watermarks!);
            Assert.Equal(9, copy.Watermark);
            Assert.Equal(77, copy.ProcessingTime);
            Assert.Equal(0, copy.Offset);
            Assert.Equal(2, copy.Length);
        }
    }

    [Fact]
    public void Serialize_WhenTheInputIsWholeArrays_RoundTripsThemWithNullsKept()
    {
        var input = new KeyedInput(42, new[] { 1L, 2L, 3L }, null, Watermark: long.MinValue, ProcessingTime: 0);

        var (serializer, services) = NewSerializer();
        using (services)
        {
            var copy = serializer.Deserialize<KeyedInput>(serializer.SerializeToArray(input))!;

            Assert.Equal(42, copy.Key);
            Assert.Equal([1L, 2L, 3L], (long[])copy.Records);
            Assert.Null(copy.Timestamps);
            Assert.Null(copy.Watermarks);
            Assert.Equal(3, copy.Length);
        }
    }

    [Fact]
    public void DeepCopy_InsideASilo_PassesTheSameInputWithoutCopying()
    {
        var input = new KeyedInput("k", new[] { "a", "b" }, null, Watermark: 1, ProcessingTime: 2, Offset: 1, Count: 1);

        var (_, services) = NewSerializer();
        using (services)
        {
            var copier = services.GetRequiredService<DeepCopier>();

            Assert.Same(input, copier.Copy(input));
        }
    }

    private static (Serializer Serializer, ServiceProvider Services) NewSerializer()
    {
        var services = new ServiceCollection()
            .AddSerializer(builder => builder.AddAssembly(typeof(KeyedInput).Assembly))
            .BuildServiceProvider();
        return (services.GetRequiredService<Serializer>(), services);
    }
}
