import assert from "node:assert/strict";
import { test } from "node:test";
import * as data from "floe/data";

test("floe/data exports exactly its public surface", () => {
  assert.deepEqual(Object.keys(data).sort(), [
    "AlignmentError",
    "CALENDARS",
    "ChunkError",
    "DTYPES",
    "DataArray",
    "DatasetNotFoundError",
    "FileSystemStore",
    "GROUPINGS",
    "InvalidDatasetError",
    "InvalidOperationError",
    "LazyDataset",
    "REDUCERS",
    "REDUCTIONS",
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
    "printPlan",
    "readChunk",
    "readVariable",
    "resolveStore",
    "seasonalMean",
    "slice",
    "syntheticOceanTemp",
    "toCoord",
    "withStandaloneBuffers",
    "writeDataset",
  ]);
});
