import { runConformanceSuite } from '../../conformance/suite';
import { zipkinHarness } from './standin';

runConformanceSuite(zipkinHarness);
