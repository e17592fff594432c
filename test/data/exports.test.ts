import assert from "node:assert/strict";
import { test } from "node:test";
import * as data from "floe/data";

test("floe/data exports exactly its public surface", () => {
  assert.deepEqual(Object.keys(data).sort(), [
    "CALENDARS",
    "ChunkError",
    "DatasetNotFoundError",
    "FileSystemStore",
    "GROUPINGS",
    "InvalidDatasetError",
    "InvalidOperationError",
    "REDUCERS",
    "UnsupportedError",
    "createReducerPool",
    "createSyntheticOceanTemp",
    "decodeTime",
    "formatCalendarDate",
    "getVariable",
    "groupReduce",
    "groupTime",
    "isDataError",
    "openDataset",
    "parseCalendar",
    "parseGrouping",
    "parseTimeUnits",
    "readChunk",
    "readVariable",
    "resolveStore",
    "seasonalMean",
    "syntheticOceanTemp",
    "withStandaloneBuffers",
    "writeDataset",
  ]);
});
