using OrleansFlow.Graph;
using OrleansFlow.Jobs;

namespace OrleansFlow.Tests.Unit.Graph;

/// <summary>
/// A job type whose static constructor throws fails its build with one message naming the type and the exception the
/// static constructor threw (issue 13, item 6), on the client and on a silo alike (both build through
/// <see cref="JobGraphBuilder"/>); reflection's wrappers never reach the user.
/// </summary>
[Trait("Category", "Unit")]
public sealed class JobGraphBuilderTests
{
    [Fact]
    public void Build_WhenTheJobTypesStaticConstructorThrows_ThrowsJobBuildExceptionWithTheInnerMessage()
    {
        var e = Assert.Throws<JobBuildException>(() => BuildJob(typeof(StaticConstructorThrowsJob)));

        Assert.Equal($"job type '{typeof(StaticConstructorThrowsJob).FullName}' could not be created: InvalidOperationException: no licence key", e.Message);
        Assert.IsType<InvalidOperationException>(e.InnerException);
    }

    [Fact]
    public void Build_WhenBuildTouchesATypeWhoseStaticConstructorThrows_ThrowsJobBuildExceptionWithTheInnerMessage()
    {
        var e = Assert.Throws<JobBuildException>(() => BuildJob(typeof(TouchesBrokenSettingsJob)));

        Assert.Equal($"job type '{typeof(TouchesBrokenSettingsJob).FullName}' could not build its graph: FormatException: settings are corrupt", e.Message);
    }

    [Fact]
    public void Build_WhenBuildRejectsAnArgument_KeepsTheArgumentExceptionAsAUsageError()
    {
        var e = Assert.Throws<ArgumentException>(() => BuildJob(typeof(RejectsArgumentsJob)));

        Assert.Equal("--input is required", e.Message);
    }

    [Fact]
    public void Unwrap_WhenWrappersAreNested_ReturnsTheInnermostCause()
    {
        var cause = new IOException("disk gone");
        var wrapped = new System.Reflection.TargetInvocationException(new TypeInitializationException("T", new AggregateException(cause)));

        Assert.Same(cause, JobBuildException.Unwrap(wrapped));
    }

    private static void BuildJob(Type jobType) =>
        JobGraphBuilder.Build(new JobSource(jobType.AssemblyQualifiedName, [], LocalGraphId: null), jobType: jobType);

    private sealed class StaticConstructorThrowsJob : IStreamJob
    {
        private static readonly string LicenceKey;

#pragma warning disable CA1810 // the explicit static constructor is the point of the test
        static StaticConstructorThrowsJob()
        {
            LicenceKey = Environment.GetEnvironmentVariable("ORLEANSFLOW_TEST_NEVER_SET_LICENCE") ?? throw new InvalidOperationException("no licence key");
        }
#pragma warning restore CA1810

        public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args) => _ = LicenceKey;
    }

    private sealed class TouchesBrokenSettingsJob : IStreamJob
    {
        public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args) => _ = BrokenSettings.Value;
    }

    private static class BrokenSettings
    {
        public static readonly int Value = Parse();

        private static int Parse() => throw new FormatException("settings are corrupt");
    }

    private sealed class RejectsArgumentsJob : IStreamJob
    {
        public void Build(StreamExecutionEnvironment env, IReadOnlyList<string> args) => throw new ArgumentException("--input is required");
    }
}
