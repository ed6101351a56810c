// Types of the chart library the gateway serves at ./vendor/uplot.js (uPlot's ES module, from node_modules).
import uPlot from 'uplot';
export default uPlot;
