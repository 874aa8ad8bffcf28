using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansFlow.Jobs;

namespace OrleansFlow.Silo.Web;

/// <summary>
/// The silo's own web endpoints beside the Orleans dashboard (which cannot show custom metrics): a Flink-style REST API
/// (<c>GET /jobs</c>, <c>/jobs/{id}</c>, <c>/jobs/{id}/checkpoints</c>, JSON in camelCase), the jobs page at <c>/</c>
/// that polls it, and <c>GET /health</c>.
/// </summary>
public static class FlowWebEndpoints
{
    /// <summary>How many jobs <c>GET /jobs</c> lists, newest first.</summary>
    public const int JobListLimit = 100;

    /// <summary>Registers what the endpoints need.</summary>
    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton<JobRateTracker>();
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
    }

    /// <summary>
    /// Puts <paramref name="policy"/> in front of every request (this silo's endpoints and the dashboard's): a refused
    /// request gets the policy's status and its one-line message as plain text.
    /// </summary>
    internal static void UseAccessPolicy(IApplicationBuilder app, WebAccessPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(policy);
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var decision = policy.Decide(
                request.Headers.Host.ToString(), request.Path.Value ?? "/", request.Headers.Authorization.FirstOrDefault(),
                request.Headers[WebAccessPolicy.TokenHeader].FirstOrDefault(), request.Query["token"].FirstOrDefault());
            if (decision.Allowed)
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = decision.StatusCode;
            if (decision.StatusCode == StatusCodes.Status401Unauthorized)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
            }

            await context.Response.WriteAsync(decision.Message + "\n", context.RequestAborted);
        });
    }

    /// <summary>Maps the endpoints.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/health", (ILocalSiloDetails silo) => Results.Json(new { status = "ok", silo = silo.SiloAddress.ToString(), name = silo.Name }));
        app.MapGet("/jobs", ListJobsAsync);
        app.MapGet("/jobs/{jobId}", GetJobAsync);
        app.MapGet("/jobs/{jobId}/checkpoints", GetCheckpointsAsync);
        app.MapGet("/", () => Results.Content(JobsPage.Value, "text/html; charset=utf-8"));
    }

    private static readonly Lazy<string> JobsPage = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("OrleansFlow.Silo.Web.jobs.html")
            ?? throw new InvalidOperationException("The jobs page is missing from the silo assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static async Task<IResult> ListJobsAsync(IGrainFactory grains, CancellationToken cancellationToken)
    {
        var entries = await grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync(JobListLimit, cancellationToken);
        var statuses = await Task.WhenAll(entries.Select(e => grains.GetGrain<IJobManagerGrain>(e.JobId).GetStatusAsync(cancellationToken)));
        return Results.Json(new
        {
            jobs = entries.Zip(statuses, (e, s) => new JobSummaryView(e.JobId, e.JobName, s.Status.ToString(), s.Attempt, e.SubmittedAt)),
        });
    }

    private static async Task<IResult> GetJobAsync(string jobId, IGrainFactory grains, JobRateTracker rates, CancellationToken cancellationToken)
    {
        if (await DetailsAsync(grains, jobId, cancellationToken) is not { } details)
        {
            return NoSuchJob(jobId);
        }

        return Results.Json(JobView.Of(details, rates.Update(details)));
    }

    private static async Task<IResult> GetCheckpointsAsync(string jobId, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (await DetailsAsync(grains, jobId, cancellationToken) is not { } details)
        {
            return NoSuchJob(jobId);
        }

        return details.Checkpoints is { } overview
            ? Results.Json(CheckpointsView.Of(overview))
            : Results.Json(new { errors = new[] { $"Job {jobId} runs without checkpointing." } }, statusCode: StatusCodes.Status404NotFound);
    }

    /// <summary>The job's details, or null when the cluster never accepted a job with that id.</summary>
    private static async Task<Metrics.JobDetails?> DetailsAsync(IGrainFactory grains, string jobId, CancellationToken cancellationToken)
    {
        if (!await grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ContainsAsync(jobId, cancellationToken))
        {
            return null; // asking an unknown job's manager would activate one for nothing
        }

        return await grains.GetGrain<IJobManagerGrain>(jobId).GetDetailsAsync(cancellationToken);
    }

    private static IResult NoSuchJob(string jobId) =>
        Results.Json(new { errors = new[] { $"There is no job {jobId}." } }, statusCode: StatusCodes.Status404NotFound);
}
