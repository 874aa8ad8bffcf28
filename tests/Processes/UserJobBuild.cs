using System.Diagnostics;

namespace OrleansFlow.Tests.Processes;

/// <summary>
/// Builds the sample job project <c>samples/UserJob</c> twice in one MSBuild run: the default build and
/// <c>-p:JobVariant=2</c> (same assembly name, different code), each into a directory of its own, as a user would
/// build a project the cluster has never seen; and in the same run <c>samples/UserJobRunner</c>, a program of the
/// user's that submits the job from code; and <c>tests/UploadedJobs/ExitingJob</c>, a hostile job whose code ends
/// the silo process it runs in.
/// </summary>
internal static class UserJobBuild
{
    /// <summary>
    /// Builds both variants under <paramref name="directory"/>, <c>samples/UserJobRunner</c> (a program that submits
    /// the same job from code) and the exiting job; returns the paths of the two UserJob.dll, of UserJobRunner.dll and
    /// of ExitingJob.dll.
    /// </summary>
    public static async Task<(string Version1, string Version2, string Runner, string Exiting)> BuildAllAsync(string directory, TimeSpan timeout)
    {
        var exitingProject = Path.Combine(RepositoryRoot(), "tests", "UploadedJobs", "ExitingJob", "ExitingJob.csproj");
        var exiting = Path.Combine(directory, "exiting") + "/";
        var project = Path.Combine(RepositoryRoot(), "samples", "UserJob", "UserJob.csproj");
        var runnerProject = Path.Combine(RepositoryRoot(), "samples", "UserJobRunner", "UserJobRunner.csproj");
        var v1 = Path.Combine(directory, "v1") + "/";
        var v2 = Path.Combine(directory, "v2") + "/";
        var runner = Path.Combine(directory, "runner") + "/";
        var buildFile = Path.Combine(directory, "build-user-job.proj");
        // One MSBuild run for both variants; the SDK project they reference is already built with the tests.
        await File.WriteAllTextAsync(buildFile, $"""
            <Project DefaultTargets="Build">
              <ItemGroup>
                <Variant Include="{project}" AdditionalProperties="JobVariant=1;OutDir={v1}" />
                <Variant Include="{project}" AdditionalProperties="JobVariant=2;OutDir={v2}" />
                <Variant Include="{runnerProject}" AdditionalProperties="SampleOutDir={runner}" />
                <Variant Include="{exitingProject}" AdditionalProperties="OutDir={exiting}" />
              </ItemGroup>
              <Target Name="Restore">
                <MSBuild Projects="{project};{runnerProject};{exitingProject}" Targets="Restore" />
              </Target>
              <Target Name="Build">
                <MSBuild Projects="@(Variant)" Targets="Build" Properties="Configuration=Release;BuildProjectReferences=false" BuildInParallel="true" />
              </Target>
            </Project>
            """);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        foreach (var argument in new[] { "build", buildFile, "-m", "--nologo", "-v:q" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"building samples/UserJob failed with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }

        return (Path.Combine(v1, "UserJob.dll"), Path.Combine(v2, "UserJob.dll"), Path.Combine(runner, "UserJobRunner.dll"), Path.Combine(exiting, "ExitingJob.dll"));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansFlow.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No OrleansFlow.sln above {AppContext.BaseDirectory}.");
    }
}
