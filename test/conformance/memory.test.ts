import { memoryHarness } from './memoryHarness';
import { runConformanceSuite } from './suite';

runConformanceSuite(memoryHarness);
