using Microsoft.Extensions.Hosting;
using OrleansFlow.Silo;

await FlowSiloHost.Build(args).RunAsync();
