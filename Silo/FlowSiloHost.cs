using OrleansFlow.Configuration;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansFlow.Hosting;
using OrleansFlow.Silo.Web;

namespace OrleansFlow.Silo;

/// <summary>Builds the OrleansFlow silo host from appsettings.json, environment variables and command-line flags.</summary>
public static class FlowSiloHost
{
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["--redis"] = "Silo:Redis",
        ["--silo-port"] = "Silo:SiloPort",
        ["--gateway-port"] = "Silo:GatewayPort",
        ["--dashboard-port"] = "Silo:DashboardPort",
        ["--dashboard-address"] = "Silo:DashboardAddress",
        ["--advertised-address"] = "Silo:AdvertisedAddress",
        ["--cluster-id"] = "Silo:ClusterId",
        ["--service-id"] = "Silo:ServiceId",
        ["--checkpoint-dir"] = "Silo:CheckpointDirectory",
        ["--submission-token"] = "Silo:SubmissionToken",
        ["--max-artifact-bytes"] = "Silo:MaxArtifactBytes",
        ["--poisonous-job-silo-deaths"] = "Silo:PoisonousJobSiloDeaths",
        ["--shutdown-timeout"] = "Silo:ShutdownTimeout",
        ["--insecure"] = "Silo:Insecure",
    };

    /// <summary>
    /// Builds the host; invalid settings fail at start with a message naming the setting. Unless its port is 0, the
    /// host serves the dashboard, the jobs page, the REST API and the health check (see <see cref="FlowWebEndpoints"/>),
    /// behind the <see cref="WebAccessPolicy"/> (loopback names only on a loopback bind; the token beyond it).
    /// </summary>
    public static IHost Build(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        args = [.. args.Select(a => a == "--insecure" ? "--insecure=true" : a)]; // a switch: the configuration reader wants a value
        var configuration = new ConfigurationManager();
        configuration.SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args, Flags);
        var options = configuration.GetSection(SiloHostOptions.Section).Get<SiloHostOptions>() ?? new SiloHostOptions();
        var errors = SiloHostOptionsValidator.Errors(options).ToList();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(SiloHostOptions.Section, typeof(SiloHostOptions), errors);
        }

        if (options.DashboardPort == 0)
        {
            var plain = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
            plain.Configuration.AddCommandLine(args, Flags);
            plain.Services.AddSingleton(Options.Create(options));
            plain.Services.Configure<HostOptions>(h => h.ShutdownTimeout = SiloHostOptionsValidator.ShutdownTimeout(options));
            plain.UseOrleans(silo => ConfigureSilo(silo, options));
            return plain.Build();
        }

        var web = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        web.Configuration.AddCommandLine(args, Flags);
        web.Services.AddSingleton(Options.Create(options));
        web.Services.Configure<HostOptions>(h => h.ShutdownTimeout = SiloHostOptionsValidator.ShutdownTimeout(options));
        web.UseOrleans(silo =>
        {
            ConfigureSilo(silo, options);
            silo.AddDashboard();
        });
        web.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(options.DashboardAddress), options.DashboardPort));
        FlowWebEndpoints.AddServices(web.Services);
        var app = web.Build();
        FlowWebEndpoints.UseAccessPolicy(app, new WebAccessPolicy(options.DashboardAddress, options.SubmissionToken));
        app.MapOrleansDashboard(routePrefix: "/dashboard");
        FlowWebEndpoints.Map(app);
        return app;
    }

    private static void ConfigureSilo(ISiloBuilder silo, SiloHostOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Redis))
        {
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            silo.UseLocalPersistence(options.CheckpointDirectory);
        }
        else
        {
            silo.UseRedisClustering(options.Redis);
            silo.UseRedisPersistence(options.Redis);
            silo.Configure<ClusterOptions>(c =>
            {
                c.ClusterId = options.ClusterId;
                c.ServiceId = options.ServiceId;
            });
            silo.Configure<EndpointOptions>(e =>
            {
                e.AdvertisedIPAddress = IPAddress.Parse(options.AdvertisedAddress);
                e.SiloPort = options.SiloPort;
                e.GatewayPort = options.GatewayPort;
            });
            silo.Configure<ClusterMembershipOptions>(m =>
            {
                // Detect a dead silo in about a second on a LAN (measured: ~1 s to declare, ~1.5 s until calls succeed).
                m.ProbeTimeout = TimeSpan.FromSeconds(1);
                m.NumMissedProbesLimit = 2;
                m.NumVotesForDeathDeclaration = 1;
                m.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            });
        }

        silo.AddOrleansFlow(configureSubmission: s => s.Token = options.SubmissionToken);
        silo.Services.Configure<JobArtifactOptions>(a => a.MaxSizeBytes = options.MaxArtifactBytes);
        silo.Services.Configure<JobManagerOptions>(j => j.PoisonousJobSiloDeaths = options.PoisonousJobSiloDeaths);
        silo.UseElasticScale(); // new silos get a share of running jobs; a gracefully stopping silo hands its work off
    }
}
