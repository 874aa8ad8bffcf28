using Microsoft.Extensions.Logging;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansFlow.Configuration;
using OrleansFlow.Diagnostics;

namespace OrleansFlow.Storage;

/// <summary>
/// Grain storage in a local directory: each grain state is one file (see <see cref="StateFileName"/>), replaced
/// atomically and flushed to disk on every write, so states survive a restart of the process. Writes and clears
/// check the ETag as other Orleans providers do and throw <see cref="InconsistentStateException"/> on a mismatch;
/// a clear deletes the file. States are serialized with the configured <see cref="IGrainStorageSerializer"/>.
/// Meant for a single silo process (the embedded default): the directory must not be shared between processes.
/// Register it with <c>AddLocalDirectoryGrainStorage</c>.
/// </summary>
public sealed class LocalDirectoryGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string _name;
    private readonly int _initStage;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly ILogger _logger;

    /// <summary>Creates the provider; the directory is created and checked when the silo starts.</summary>
    public LocalDirectoryGrainStorage(
        string name,
        LocalDirectoryGrainStorageOptions options,
        IGrainStorageSerializer defaultSerializer,
        IActivatorProvider activators,
        ILogger<LocalDirectoryGrainStorage> logger)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        _name = name;
        _initStage = options.InitStage;
        Directory = LocalDirectoryGrainStorageOptionsValidator.ResolveDirectory(options, name);
        _serializer = options.GrainStorageSerializer ?? defaultSerializer;
        _activators = activators;
        _logger = logger;
    }

    /// <summary>The full path of the directory holding the state files.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(OptionFormattingUtilities.Name<LocalDirectoryGrainStorage>(_name), _initStage, InitializeAsync);
    }

    /// <summary>Creates the directory if needed and checks that files can be written there.</summary>
    internal Task InitializeAsync(CancellationToken cancellationToken)
    {
        LocalDirectoryProbe.EnsureWritable(Directory, _name);
        Log.LocalStorageInitialized(_logger, _name, Directory);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var path = PathOf(stateName, grainId);
        T? state;
        StateFileContent? content;
        try
        {
            using (await StateFileLocks.AcquireAsync(path, cancellationToken))
            {
                content = await StateFile.ReadAsync(path, cancellationToken);
            }

            if (content is not null && (content.StateName != stateName || content.GrainId != grainId.ToString()))
            {
                throw new InvalidDataException($"the file holds state '{content.StateName}' of {content.GrainId}");
            }

            state = content is null ? default : _serializer.Deserialize<T>(content.Payload);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.LocalStorageReadFailed(_logger, e, _name, stateName, grainId, path);
            throw new LocalDirectoryStorageException($"Grain storage '{_name}' could not read state '{stateName}' of {grainId} from '{path}': {e.Message}", e);
        }

        grainState.ETag = content?.ETag;
        grainState.RecordExists = state is not null;
        grainState.State = state ?? CreateInstance<T>();
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        const string Operation = "write";
        var path = PathOf(stateName, grainId);
        var newETag = Guid.NewGuid().ToString("N");
        try
        {
            var payload = _serializer.Serialize(grainState.State).ToMemory();
            using (await StateFileLocks.AcquireAsync(path, cancellationToken))
            {
                CheckETag(Operation, stateName, grainId, StateFile.ReadETag(path), grainState.ETag);
                await StateFile.WriteAsync(path, new StateFileContent(newETag, stateName, grainId.ToString(), payload), cancellationToken);
            }
        }
        catch (Exception e) when (e is not (InconsistentStateException or OperationCanceledException))
        {
            throw Failed(Operation, stateName, grainId, path, e);
        }

        grainState.ETag = newETag;
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        const string Operation = "clear";
        var path = PathOf(stateName, grainId);
        try
        {
            using (await StateFileLocks.AcquireAsync(path, cancellationToken))
            {
                var stored = StateFile.ReadETag(path);
                CheckETag(Operation, stateName, grainId, stored, grainState.ETag);
                if (stored is not null)
                {
                    File.Delete(path);
                }
            }
        }
        catch (Exception e) when (e is not (InconsistentStateException or OperationCanceledException))
        {
            throw Failed(Operation, stateName, grainId, path, e);
        }

        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = CreateInstance<T>();
    }

    private string PathOf(string stateName, GrainId grainId) => Path.Combine(Directory, StateFileName.For(stateName, grainId.ToString()));

    private void CheckETag(string operation, string stateName, GrainId grainId, string? stored, string? current)
    {
        if ((string.IsNullOrEmpty(stored) && string.IsNullOrEmpty(current)) || string.Equals(stored, current, StringComparison.Ordinal))
        {
            return;
        }

        Log.LocalStorageETagConflict(_logger, _name, operation, stateName, grainId, stored, current);
        throw new InconsistentStateException(
            $"Version conflict ({operation}): grain storage '{_name}', state '{stateName}' of {grainId}: stored ETag '{stored}', given '{current}'.",
            stored,
            current);
    }

    private LocalDirectoryStorageException Failed(string operation, string stateName, GrainId grainId, string path, Exception exception)
    {
        Log.LocalStorageWriteFailed(_logger, exception, _name, operation, stateName, grainId, path);
        return new LocalDirectoryStorageException($"Grain storage '{_name}' could not {operation} state '{stateName}' of {grainId} at '{path}': {exception.Message}", exception);
    }

    private T CreateInstance<T>() => _activators.GetActivator<T>().Create();
}
