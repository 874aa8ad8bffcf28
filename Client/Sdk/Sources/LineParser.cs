namespace OrleansFlow.Sources;

/// <summary>
/// Parses one line of a text file from its characters, which are only valid during the call (a line source reuses
/// its buffer): copy what the record keeps, e.g. with <see cref="StringPool"/> for values that repeat. Throws on a
/// line it cannot read.
/// </summary>
/// <typeparam name="T">Record type.</typeparam>
/// <param name="line">The line, without its line break.</param>
public delegate T LineParser<out T>(ReadOnlySpan<char> line);
